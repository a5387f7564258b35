import Offload

/// Charges an order's card and marks the order paid, on the `payments` queue.
///
/// The app enqueues it in the transaction that inserts the order (``ShopDatabase/placeOrder(item:cents:store:)``),
/// so the task exists exactly when the order does.
public struct ChargeOrder: BackgroundTask {
    public struct Arguments: Codable, Sendable {
        public var orderID: Int64

        public init(orderID: Int64) {
            self.orderID = orderID
        }
    }

    public struct Receipt: Codable, Sendable {
        public var orderID: Int64
        public var chargedCents: Int64
    }

    public static let name = "shop.charge-order"
    public static let options = TaskOptions(queueName: "payments", priority: 10, retry: .exponential(maxAttempts: 5))

    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> Receipt {
        let cents = try ShopDatabase.shared.markPaid(orderID: arguments.orderID)
        return Receipt(orderID: arguments.orderID, chargedCents: cents)
    }
}
