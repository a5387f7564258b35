/// What a task or queue name may contain, and how to print text that came from the database.
///
/// Names end up in terminals, logs and tables: a newline or an escape code in one could forge a row of
/// `offload list` or a line of the supervisor's log. So enqueue refuses control, format and separator
/// characters in names, and output escapes them in any stored text.
public enum TaskNames {
    /// The longest name accepted, in UTF-8 bytes.
    public static let maximumLength = 256

    /// Why `name` cannot be used as a task or queue name, or `nil` when it can.
    public static func problem(with name: String, kind: String = "task name") -> String? {
        guard !name.isEmpty else { return "the \(kind) is empty" }
        guard name.utf8.count <= maximumLength else {
            return "the \(kind) \(StoredTaskValues.quoted(name)) is \(name.utf8.count) bytes long, over \(maximumLength)"
        }
        if let bad = name.unicodeScalars.first(where: isUnprintable) {
            return "the \(kind) \(StoredTaskValues.quoted(name)) contains the unprintable character U+\(String(bad.value, radix: 16, uppercase: true)); names may hold letters, digits, punctuation and spaces only"
        }
        guard name.trimmingCharacters(in: .whitespaces) == name else {
            return "the \(kind) \(StoredTaskValues.quoted(name)) begins or ends with a space"
        }
        return nil
    }

    /// `text` with every control, format and separator character written as an escape (`\n`, `\u{1B}`),
    /// so that printing it can neither start a new line nor drive the terminal.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnprintable) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isUnprintable(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Control (Cc), format (Cf: bidirectional overrides, zero-width characters) and line or paragraph
    /// separators: what can rearrange or hide output.
    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: true
        default: false
        }
    }
}

import Foundation
