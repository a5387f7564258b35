import Offload

/// The spec's `send_email_task`: sends one message, returns whether it went out.
struct SendEmail: BackgroundTask {
    struct Arguments: Codable, Sendable {
        var recipient: String
        var subject: String
        var message: String
    }

    static let options = TaskOptions(queueName: "email", priority: 5, retry: .exponential(maxAttempts: 3))

    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Bool {
        guard arguments.recipient.contains("@") else {
            throw ExampleError.invalidRecipient(arguments.recipient)
        }
        try MailTransport.fromEnvironment.send(to: arguments.recipient, subject: arguments.subject, body: arguments.message, messageID: "task-\(context.resultID)")
        return true
    }
}

enum ExampleError: Error, CustomStringConvertible {
    case invalidRecipient(String)
    case userNotFound(Int64)
    case unknownOperation(String)

    var description: String {
        switch self {
        case .invalidRecipient(let recipient): "\"\(recipient)\" is not an email address"
        case .userNotFound(let id): "no user with id \(id)"
        case .unknownOperation(let operation): "unknown operation \"\(operation)\"; use transform, sum or sort"
        }
    }
}
