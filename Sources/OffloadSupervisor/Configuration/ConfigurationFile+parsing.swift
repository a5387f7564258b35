extension ConfigurationFile {
    /// Parses the bytes line by line, so an encoding error can name its line like any other error.
    init(parsing bytes: [UInt8], path: String) throws(ConfigurationError) {
        var entries: [String: Entry] = [:]
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // An editor that writes a byte-order mark is being helpful, not wrong.
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) {
            lines[0] = first.dropFirst(3)
        }
        for (index, rawLine) in lines.enumerated() {
            let number = index + 1
            guard let text = String(validating: rawLine, as: UTF8.self) else {
                throw .atLine(.invalidEncoding, path: path, line: number, "the line is not valid UTF-8; save the file as UTF-8.")
            }
            guard let (key, value) = try Self.parseLine(text, path: path, line: number) else { continue }
            if let earlier = entries[key] {
                throw .atLine(
                    .duplicateKey, path: path, line: number,
                    "\"\(key)\" is already set on line \(earlier.line); keep one of the two lines.")
            }
            entries[key] = Entry(value: value, line: number)
        }
        self.init(path: path, entries: entries)
    }

    /// Splits one line into key and value, or returns `nil` for a blank or comment line.
    private static func parseLine(_ text: String, path: String, line: Int) throws(ConfigurationError) -> (String, String)? {
        let trimmed = ConfigurationSyntax.trimmed(text)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        guard let equals = trimmed.firstIndex(of: "=") else {
            throw .atLine(
                .malformedLine, path: path, line: line,
                "expected \"key = value\" or a comment starting with \"#\", found \"\(trimmed)\".")
        }
        let key = ConfigurationSyntax.trimmed(trimmed[..<equals])
        let value = ConfigurationSyntax.trimmed(trimmed[trimmed.index(after: equals)...])
        guard !key.isEmpty else {
            throw .atLine(.malformedLine, path: path, line: line, "the line starts with \"=\"; write \"key = value\".")
        }
        guard knownKeys.contains(key) || key.hasPrefix(scheduleKeyPrefix) else {
            throw .atLine(.unknownKey, path: path, line: line, unknownKeyMessage(key))
        }
        guard !value.isEmpty else {
            throw .atLine(
                .emptyValue, path: path, line: line,
                "\"\(key)\" has no value; give one, or delete the line (or comment it out) to use the default.")
        }
        return (key, value)
    }

    /// Names the unknown key, suggests the known key it most likely meant, and lists them all otherwise.
    static func unknownKeyMessage(_ key: String) -> String {
        if let suggestion = suggestedKey(for: key) {
            return "unknown key \"\(key)\" (did you mean \"\(suggestion)\"?)."
        }
        return "unknown key \"\(key)\"; known keys: \(knownKeys.sorted().joined(separator: ", "))."
    }
}
