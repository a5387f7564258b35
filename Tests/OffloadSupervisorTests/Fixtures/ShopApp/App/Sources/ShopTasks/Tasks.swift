import Offload
import SharedLib

public struct ChargeOrder: BackgroundTask {
    public struct Arguments: Codable, Sendable {
        public var euros: Int
        public init(euros: Int) { self.euros = euros }
    }
    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> Int {
        priceInCents(arguments.euros)
    }
}
