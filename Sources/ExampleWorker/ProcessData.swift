import Offload

/// The spec's `process_data_task`: applies an operation to a list of items.
struct ProcessData: BackgroundTask {
    struct Arguments: Codable, Sendable {
        struct Data: Codable, Sendable { var items: [Double] }
        var data: Data
        /// transform (the default), sum or sort. Optional because Codable ignores Swift default values.
        var operation: String?
    }

    struct Output: Codable, Sendable, Equatable {
        var operation: String
        var items: [Double]
        var count: Int
    }

    static func run(_ arguments: Arguments, context: TaskContext) async throws -> Output {
        let items = arguments.data.items
        let result: [Double]
        let operation = arguments.operation ?? "transform"
        switch operation {
        case "transform": result = items.map { $0 * 2 }
        case "sum": result = [items.reduce(0, +)]
        case "sort": result = items.sorted()
        default: throw ExampleError.unknownOperation(operation)
        }
        return Output(operation: operation, items: result, count: items.count)
    }
}
