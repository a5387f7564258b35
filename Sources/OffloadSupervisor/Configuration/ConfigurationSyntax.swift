/// The character classes of the configuration format, kept here so every parser agrees on them.
enum ConfigurationSyntax {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    ///
    /// Trimming `\r` accepts files saved with Windows line endings. Other Unicode spaces are kept: a no-break
    /// space pasted into a value is more likely a mistake to report than whitespace to hide.
    static func trimmed(_ text: some StringProtocol) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(text[start...end])
    }

    /// `0`–`9` only: `Character.isNumber` would also accept "½" and "٣".
    static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
    }
}
