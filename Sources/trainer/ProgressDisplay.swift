import Foundation
import Training

/// Training progress: a redrawn bar on a terminal, plain lines otherwise (logs, CI).
final class ProgressDisplay {
    let epochs: Int
    let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lastDraw = Date.distantPast

    init(epochs: Int) { self.epochs = epochs }

    func line(_ text: String) {
        writeStandardOutput(text + "\n")
    }

    func batch(_ p: Trainer.BatchProgress) {
        guard isTerminal else {
            // Plain lines at each quarter of an epoch, so logs show progress without flooding.
            let quarter = max(p.batches / 4, 1)
            if p.batch % quarter == 0 && p.batch < p.batches {
                line(String(format: "epoch %d/%d batch %d/%d loss %.4f acc %.4f %.0fs", p.epoch + 1, epochs,
                            p.batch, p.batches, p.loss, p.accuracy, p.elapsedSeconds))
            }
            return
        }
        let now = Date()
        guard p.batch == p.batches || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let fraction = Double(p.batch) / Double(p.batches)
        let filled = Int(fraction * 30)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        let eta = p.elapsedSeconds / max(fraction, 1e-9) * (1 - fraction)
        let text = String(format: "\r\u{1B}[Kepoch %d/%d %@ %d/%d loss %.4f acc %.4f ETA %.0fs",
                          p.epoch + 1, epochs, bar, p.batch, p.batches, p.loss, p.accuracy, eta)
        writeStandardOutput(text)
    }

    func epochDone(_ r: EpochRecord) {
        if isTerminal { writeStandardOutput("\r\u{1B}[K") }
        line(String(format: "epoch %d/%d  lr %.2e  train loss %.4f acc %.4f  test loss %.4f acc %.4f  %.1f s",
                    r.epoch, epochs, r.learningRate, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy, r.seconds))
    }
}
