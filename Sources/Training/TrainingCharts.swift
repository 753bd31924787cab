import Foundation

/// Self-contained SVG pictures of a training run: loss and accuracy per epoch, and a confusion matrix.
public enum TrainingCharts {
    /// Two line charts (loss; accuracy — train and test) above a confusion-matrix heat map.
    public static func svg(title: String, history: [EpochRecord], confusion: [[Int]], classNames: [String]) -> String {
        let width = 900, chartHeight = 260, matrixTop = 330, cell = 40
        let matrixHeight = matrixTop + 130 + cell * confusion.count
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(matrixHeight + 20)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="20" y="24" font-size="16" font-weight="bold">\(escape(title))</text>

        """
        s += lineChart(x: 40, y: 50, width: 380, height: chartHeight - 40, label: "loss per epoch",
                       series: [("train", "#1f77b4", history.map(\.trainLoss)), ("test", "#d62728", history.map(\.testLoss))])
        s += lineChart(x: 500, y: 50, width: 380, height: chartHeight - 40, label: "accuracy per epoch",
                       series: [("train", "#1f77b4", history.map(\.trainAccuracy)), ("test", "#d62728", history.map(\.testAccuracy))])
        s += matrix(confusion, classNames: classNames, x: 150, y: matrixTop + 110, cell: cell, top: matrixTop)
        return s + "</svg>\n"
    }

    private static func lineChart(x: Int, y: Int, width: Int, height: Int, label: String,
                                  series: [(String, String, [Double])]) -> String {
        let values = series.flatMap(\.2).filter(\.isFinite)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad; high += pad
        let count = max(series.map(\.2.count).max() ?? 1, 1)
        func px(_ i: Int) -> Double { Double(x) + (count == 1 ? Double(width) / 2 : Double(width) * Double(i) / Double(count - 1)) }
        func py(_ v: Double) -> Double { Double(y + height) - Double(height) * (v - low) / (high - low) }
        var s = "<text x=\"\(x)\" y=\"\(y - 8)\" font-weight=\"bold\">\(label)</text>\n"
        s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"none\" stroke=\"#888\"/>\n"
        for tick in 0...4 {
            let v = low + (high - low) * Double(tick) / 4
            s += "<text x=\"\(x - 4)\" y=\"\(String(format: "%.1f", py(v) + 4))\" text-anchor=\"end\" font-size=\"10\">\(String(format: "%.3f", v))</text>\n"
        }
        for i in 0..<count where count <= 30 || i % 5 == 4 {
            s += "<text x=\"\(String(format: "%.1f", px(i)))\" y=\"\(y + height + 14)\" text-anchor=\"middle\" font-size=\"10\">\(i + 1)</text>\n"
        }
        s += "<text x=\"\(x + width / 2)\" y=\"\(y + height + 28)\" text-anchor=\"middle\" font-size=\"11\">epoch</text>\n"
        for (index, (name, color, data)) in series.enumerated() {
            let points = data.enumerated().map { String(format: "%.1f,%.1f", px($0.offset), py($0.element)) }
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            for point in points {
                let xy = point.split(separator: ",")
                s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(color)\"/>\n"
            }
            s += "<text x=\"\(x + width - 90 + 45 * index)\" y=\"\(y - 8)\" fill=\"\(color)\">■ \(name)</text>\n"
        }
        return s
    }

    private static func matrix(_ confusion: [[Int]], classNames: [String], x: Int, y: Int, cell: Int, top: Int) -> String {
        let n = confusion.count
        var s = "<text x=\"20\" y=\"\(top)\" font-weight=\"bold\">confusion matrix (rows: true class, columns: predicted; test set)</text>\n"
        for j in 0..<n {
            let name = j < classNames.count ? classNames[j] : "\(j)"
            let cx = x + j * cell + cell / 2
            s += "<text x=\"\(cx)\" y=\"\(y - 8)\" transform=\"rotate(-45 \(cx) \(y - 8))\" font-size=\"11\">\(escape(name))</text>\n"
        }
        for i in 0..<n {
            let total = max(confusion[i].reduce(0, +), 1)
            let name = i < classNames.count ? classNames[i] : "\(i)"
            s += "<text x=\"\(x - 6)\" y=\"\(y + i * cell + cell / 2 + 4)\" text-anchor=\"end\" font-size=\"11\">\(escape(name))</text>\n"
            for j in 0..<n {
                let share = Double(confusion[i][j]) / Double(total)
                let shade = Int(255 * (1 - share))
                let fill = "rgb(\(shade),\(shade),255)"
                s += "<rect x=\"\(x + j * cell)\" y=\"\(y + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\" stroke=\"#ccc\"/>\n"
                let textColor = share > 0.5 ? "white" : "black"
                s += "<text x=\"\(x + j * cell + cell / 2)\" y=\"\(y + i * cell + cell / 2 + 4)\" text-anchor=\"middle\" font-size=\"10\" fill=\"\(textColor)\">\(confusion[i][j])</text>\n"
            }
        }
        return s
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
