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
