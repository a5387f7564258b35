/// The one escaping function for text put into the console's HTML: task names, arguments, errors and every
/// other string from the database are user data.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is safe between tags and inside quoted attributes.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
