import Foundation

/// One measured figure, with the target it is judged against (if any) and whether it met it.
struct Figure: Codable, Sendable {
    /// The part of the benchmark, such as "1 SQLite limit".
    var section: String
    var name: String
    /// The number, in `unit`; what the JSON carries for comparisons between runs.
    var value: Double
    var unit: String
    /// The value as the table shows it.
    var display: String
    var target: String?
    var met: Bool?
    /// What explains the figure: the bound it hits, the batch size seen, the per-worker split.
    var note: String?
}

/// Collects the figures of one run, prints them as a table and writes them as JSON.
final class BenchmarkReport {
    private(set) var figures: [Figure] = []
    private(set) var notes: [String] = []
    var machine: MachineDescription

    init(machine: MachineDescription) {
        self.machine = machine
    }

    /// Records a figure and prints it at once, so a long run shows progress.
    func add(_ figure: Figure) {
        figures.append(figure)
        var line = "  \(figure.name): \(figure.display)"
        if let target = figure.target { line += "  [target \(target): \(figure.met == true ? "met" : "MISSED")]" }
        if let note = figure.note { line += "  — \(note)" }
        Console.line(line)
    }

    func note(_ text: String) {
        notes.append(text)
        Console.line("  note: \(text)")
    }

    /// The figures as a Markdown table, ready to paste into docs/performance.md.
    func table() -> String {
        var lines = [
            "| Section | Measurement | Result | Target | Verdict |",
            "|---|---|---|---|---|",
        ]
        for figure in figures {
            let verdict = figure.met.map { $0 ? "met" : "**missed**" } ?? ""
            lines.append("| \(figure.section) | \(figure.name) | \(figure.display) | \(figure.target ?? "") | \(verdict) |")
        }
        return lines.joined(separator: "\n")
    }

    func printSummary() {
        Console.line()
        Console.line("## Offload benchmark")
        Console.line()
        Console.line(machine.summaryLines.map { "- " + $0 }.joined(separator: "\n"))
        Console.line()
        Console.line(table())
        if !notes.isEmpty {
            Console.line()
            Console.line(notes.map { "- " + $0 }.joined(separator: "\n"))
        }
    }

    func writeJSON(to path: String) throws {
        struct Document: Codable {
            var machine: MachineDescription
            var figures: [Figure]
            var notes: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(Document(machine: machine, figures: figures, notes: notes))
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}
