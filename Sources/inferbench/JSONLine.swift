import Foundation

/// One output record: a flat JSON object whose keys keep the order they were added in.
struct JSONLine {
    enum Value {
        case string(String)
        case integer(Int)
        case number(Double)
        case boolean(Bool)
        case null
    }

    private var fields: [(String, Value)] = []

    init(_ fields: KeyValuePairs<String, Value> = [:]) {
        for (key, value) in fields { self.fields.append((key, value)) }
    }

    mutating func append(_ key: String, _ value: Value) {
        fields.append((key, value))
    }

    var text: String {
        "{" + fields.map { "\(Self.quoted($0.0)):\(Self.render($0.1))" }.joined(separator: ",") + "}"
    }

    /// Writes the record on its own line, unbuffered, so a reader sees progress row by row.
    func emit() {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    private static func render(_ value: Value) -> String {
        switch value {
        case let .string(s): quoted(s)
        case let .integer(i): String(i)
        case let .number(d): d.isFinite ? rounded(d) : "null"
        case let .boolean(b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// Four significant decimals are more than the run-to-run noise of any figure here.
    private static func rounded(_ d: Double) -> String {
        let magnitude = d == 0 ? 0 : Int(log10(abs(d)).rounded(.down))
        let decimals = max(0, 3 - magnitude)
        let scale = pow(10.0, Double(decimals))
        let r = (d * scale).rounded() / scale
        return decimals == 0 ? String(Int(r)) : String(r)
    }

    private static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
