import Offload

/// Charges an order on the `payments` queue: it reads the order the app wrote in the same transaction.
public struct ChargeOrder: BackgroundTask {
    public struct Arguments: Codable, Sendable {
        public var orderID: Int64

        public init(orderID: Int64) {
            self.orderID = orderID
        }
    }

    public static let name = "shop.charge-order"
    public static let options = TaskOptions(queueName: "payments", retry: .exponential(maxAttempts: 3))

    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int64 {
        try Orders.shared.markPaid(orderID: arguments.orderID)
    }
}
