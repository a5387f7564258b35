
import Offload
import Testing

@Suite("Escaping text from outside for terminals and logs")
struct TerminalSafeTests {
    @Test("control characters become visible escapes; printable text, tabs and non-ASCII letters stay")
    func escapes() {
        #expect(TerminalSafe.escape("plain text, déjà vu\tand a tab") == "plain text, déjà vu\tand a tab")
        #expect(TerminalSafe.escape("a\u{1B}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalSafe.escape("line\nforged\r") == "line\\nforged\\r")
        #expect(TerminalSafe.escape("\u{07}\u{7F}\u{9B}") == "\\x07\\x7f\\x9b")
        #expect(TerminalSafe.escape("abc\u{202E}def") == "abc\\u{202e}def", "a right-to-left override would reorder what follows")
    }

    @Test("several lines keep their breaks, each further line indented so that none passes for a log line")
    func escapesLines() {
        #expect(TerminalSafe.escapeLines("first\nsecond\u{1B}[0m") == "first\n    second\\x1b[0m")
    }
}
