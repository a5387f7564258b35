import Offload

/// Emails an order's receipt: one per order however often a request handler asks, so a retried request or a
/// double click does not send two.
public struct SendReceipt: BackgroundTask {
    public struct Arguments: Codable, Sendable {
        public var orderID: Int64
        public var resent: Bool

        public init(orderID: Int64, resent: Bool = false) {
            self.orderID = orderID
            self.resent = resent
        }
    }

    public static let name = "shop.send-receipt"
    public static let options = TaskOptions(
        queueName: "payments",
        unique: UniqueTask(key: .arguments(["orderID"]), states: Set(TaskStatus.allCases)))

    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        "receipt for order \(arguments.orderID)"
    }
}
