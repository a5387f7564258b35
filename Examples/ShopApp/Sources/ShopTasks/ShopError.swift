/// What a shop task can fail with; the message is stored with the failed attempt, so it says what to do.
public enum ShopError: Error, CustomStringConvertible {
    case invalidWidth(Int)
    case orderNotFound(Int64)
    case databaseNotOpened

    public var description: String {
        switch self {
        case .invalidWidth(let width): "maxWidth must be positive, got \(width)"
        case .orderNotFound(let id): "no order with id \(id)"
        case .databaseNotOpened: "ShopDatabase.shared.open(_:) was not called before the first task"
        }
    }
}
