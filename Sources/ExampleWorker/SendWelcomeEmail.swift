import Offload

/// The spec's `send_welcome_email`: takes a user id, not a user, since arguments are stored as JSON.
struct SendWelcomeEmail: BackgroundTask {
    struct Arguments: Codable, Sendable {
        var userID: Int64
    }

    static let options = TaskOptions(queueName: "email", retry: .exponential(maxAttempts: 3))

    static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        guard let user = try ExampleUsers.shared.user(id: arguments.userID) else {
            throw ExampleError.userNotFound(arguments.userID)
        }
        try MailTransport.fromEnvironment.send(
            to: user.email, subject: "Welcome, \(user.name)!",
            body: "Thanks for signing up.", messageID: "task-\(context.resultID)")
        return user.email
    }
}
