import Offload
import Testing

@Suite("Queue selection")
struct QueueSelectionTests {
    @Test("\"*\" selects every queue")
    func starSelectsAll() throws {
        let selection = try QueueSelection(parsing: "*")
        #expect(selection == .all)
        #expect(selection.contains("anything"))
    }

    @Test("a comma list selects those queues, trimmed and without duplicates")
    func commaList() throws {
        let selection = try QueueSelection(parsing: " default, email ,default")
        #expect(selection == .named(["default", "email"]))
        #expect(!selection.contains("reports"))
    }

    @Test("an empty list or a star mixed with names is refused", arguments: ["", " , ", "*,email"])
    func invalidSelections(text: String) {
        #expect(throws: OffloadError.self) { try QueueSelection(parsing: text) }
    }
}
