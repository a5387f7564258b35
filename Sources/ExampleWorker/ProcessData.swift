import Offload

/// The spec's `process_data_task`: applies an operation to a list of items.
struct ProcessData: BackgroundTask {
    struct Arguments: Codable, Sendable {
        struct Data: Codable, Sendable { var items: [Double] }
        var data: Data
        var operation: String = "transform"
    }

    struct Output: Codable, Sendable, Equatable {
        var operation: String
        var items: [Double]
        var count: Int
    }

    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Output {
        let items = arguments.data.items
        let result: [Double]
        switch arguments.operation {
        case "transform": result = items.map { $0 * 2 }
        case "sum": result = [items.reduce(0, +)]
        case "sort": result = items.sorted()
        default: throw ExampleError.unknownOperation(arguments.operation)
        }
        return Output(operation: arguments.operation, items: result, count: items.count)
    }
}
