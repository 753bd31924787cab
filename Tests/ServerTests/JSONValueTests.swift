import Engine
import Foundation
import Server
import Testing

/// The request reader's JSON parser against Foundation's `JSONSerialization` as the oracle: it reads
/// every document Foundation writes to the same values, and it never accepts text Foundation rejects
/// (nor crashes) when those documents are damaged byte by byte.
@Suite struct JSONValueTests {
    /// Foundation's parse of `text`, or nil where Foundation rejects it.
    static func foundationParse(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try JSONValue.parse($0) }
    }

    @Test func readsWhatFoundationWritesToTheSameValues() throws {
        var random = SeededRandom(seed: 2026)
        for _ in 0..<500 {
            let tree = Self.randomTree(&random, depth: 0)
            let bytes = try [UInt8](JSONSerialization.data(withJSONObject: tree, options: [.fragmentsAllowed]))
            let parsed = try Self.parse(bytes)
            #expect(Self.same(parsed, tree), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test func neverAcceptsDamagedTextThatFoundationRejects() throws {
        var random = SeededRandom(seed: 7)
        let alphabet = Array(#"{}[]",:0123456789.eE+- \tnultrefasu\"#.utf8)
        var accepted = 0, rejected = 0
        for _ in 0..<300 {
            let original = try [UInt8](JSONSerialization.data(withJSONObject: Self.randomTree(&random, depth: 0),
                                                              options: [.fragmentsAllowed]))
            for _ in 0..<30 {
                var bytes = original
                let position = Int(random.next() % UInt64(bytes.count + 1))
                let replacement = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 4 {
                case 0 where position < bytes.count: bytes[position] = replacement
                case 1 where position < bytes.count: bytes.remove(at: position)
                case 2: bytes.insert(replacement, at: position)
                default: bytes.removeSubrange(position...)
                }
                do {
                    _ = try Self.parse(bytes)
                    accepted += 1
                    #expect(Self.foundationParse(bytes) != nil,
                            "accepted what Foundation rejects: \(String(decoding: bytes, as: UTF8.self))")
                } catch {
                    rejected += 1
                    #expect((error as? JSONSyntaxError)?.description.contains("at byte") == true, "\(error)")
                }
            }
        }
        // Both outcomes are exercised, so the check above is not vacuous.
        #expect(accepted > 100 && rejected > 1000, "accepted \(accepted), rejected \(rejected)")
    }

    @Test(arguments: [#"[1,]"#, #"01"#, #"["\x"]"#, #"[1] 2"#, #"[tru]"#, #"{"a" 1}"#, #"{"a":1,}"#, "\"\u{1}\"",
                      #"-"#, #"1."#, #"1e"#, #".5"#, #"1e999"#, #"-1e400"#, #"["\ud800"]"#,
                      String(repeating: "[", count: 65) + "1" + String(repeating: "]", count: 65)])
    func rejectsWhatRFC8259Forbids(text: String) {
        #expect(throws: JSONSyntaxError.self) { try Self.parse(Array(text.utf8)) }
    }

    @Test func rejectsStringsThatAreNotUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x5B, 0x22, 0x61, 0xE2, 0x82, 0x22, 0x5D],
                               [0x22, 0x5C, 0x6E, 0xC0, 0xAF, 0x22]] {
            #expect {
                _ = try Self.parse(bytes)
            } throws: { error in
                (error as? JSONSyntaxError)?.description.contains("invalid UTF-8") == true
            }
        }
    }

    static func randomTree(_ random: inout SeededRandom, depth: Int) -> Any {
        switch random.next() % (depth < 4 ? 7 : 5) {
        case 0: return NSNull()
        case 1: return random.next() % 2 == 0
        case 2: return Double(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 3: return Double(random.uniform(-1, 1)) * pow(10, Double(Int(random.next() % 40) - 20))
        case 4:
            let scalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "€", "😀", "\u{FFFF}"]
            return String(String.UnicodeScalarView((0..<Int(random.next() % 12)).map { _ in scalars[Int(random.next() % UInt64(scalars.count))] }))
        case 5: return (0..<Int(random.next() % 5)).map { _ in randomTree(&random, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for index in 0..<Int(random.next() % 5) { object["k\(index)\(random.next() % 3 == 0 ? "\"é" : "")"] = randomTree(&random, depth: depth + 1) }
            return object
        }
    }

    /// Whether `value` is `tree` (objects compared as maps, numbers exactly).
    static func same(_ value: JSONValue, _ tree: Any) -> Bool {
        switch value {
        case .null: return tree is NSNull
        case let .bool(flag): return (tree as? Bool) == flag
        case let .number(number): return (tree as? Double) == number
        case let .string(text): return (tree as? String) == text
        case let .array(elements):
            guard let array = tree as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case let .object(members):
            guard let object = tree as? [String: Any], object.count == members.count else { return false }
            return members.allSatisfy { member in object[member.key].map { same(member.value, $0) } ?? false }
        }
    }
}
