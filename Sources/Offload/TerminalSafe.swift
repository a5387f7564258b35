/// Makes text that came from outside (a worker's output, a task name from the database, a control socket's
/// answer) safe to print on a terminal or into a log.
///
/// Control characters become visible escapes, so an escape sequence in a task name cannot recolour, move
/// the cursor or retitle the operator's terminal, and a newline in a worker's line cannot start a forged
/// log line:
///
/// ```swift
/// TerminalSafe.escape("done\n[supervisor] all good\u{1B}[2J")   // "done\\n[supervisor] all good\\x1b[2J"
/// ```
///
/// Escaped: C0 controls but tab, DEL, C1 controls (`U+0080`–`U+009F`, some terminals act on them), the line
/// and paragraph separators, and the bidirectional overrides and isolates that can make text display in
/// another order than it reads. The admin CLI, the supervisor's log and `ctl` all print through this.
public enum TerminalSafe {
    /// `text` on one line, every control character escaped (`\n`, `\r`, `\x1b`, `\u{202e}`).
    public static func escape(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return String(text) }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                escaped.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case _ where scalar.value < 0x100: escaped += "\\x" + hex(scalar.value, digits: 2)
            default: escaped += "\\u{" + hex(scalar.value, digits: 4) + "}"
            }
        }
        return escaped
    }

    /// Several lines (a crash report's stderr tail, compiler output): each line escaped, and every line after
    /// the first indented, so that none can pass for a log line of its own.
    public static func escapeLines(_ text: some StringProtocol, indent: String = "    ") -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { escape($0) }
            .joined(separator: "\n" + indent)
    }

    /// Whether ``escape(_:)`` escapes `scalar`.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension StringProtocol {
    /// This text with its control characters escaped; see ``TerminalSafe/escape(_:)``.
    public var terminalSafe: String { TerminalSafe.escape(self) }
}
