import Foundation

/// Where the example tasks "send" mail: standard output, or one file per message in
/// `$OFFLOAD_EXAMPLE_MAIL_DIR` when set, so a demo or a test can read what was sent.
struct MailTransport: Sendable {
    var directory: String?

    static var fromEnvironment: MailTransport {
        MailTransport(directory: ProcessInfo.processInfo.environment["OFFLOAD_EXAMPLE_MAIL_DIR"])
    }

    func send(to recipient: String, subject: String, body: String, messageID: String) throws {
        let message = "To: \(recipient)\nSubject: \(subject)\n\n\(body)\n"
        guard let directory else {
            print("--- mail \(messageID) ---\n\(message)", terminator: "")
            fflush(nil)
            return
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(messageID).eml")
        try Data(message.utf8).write(to: url, options: .atomic)
    }
}
