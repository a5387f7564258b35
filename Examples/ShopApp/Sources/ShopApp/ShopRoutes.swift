import Hummingbird
import Offload
import OffloadSQLite
import ShopTasks

/// The shop's HTTP API: two POSTs that enqueue, two GETs that report.
struct ShopRoutes: Sendable {
    let store: SQLiteTaskStore

    struct ThumbnailRequest: Decodable {
        var path: String
        var maxWidth: Int
    }

    struct OrderRequest: Decodable {
        var item: String
        var cents: Int64
    }

    struct Enqueued: ResponseEncodable {
        var taskID: Int64
        var status: String
    }

    struct PlacedOrder: ResponseEncodable {
        var orderID: Int64
        var taskID: Int64
    }

    struct ThumbnailStatus: ResponseEncodable {
        var taskID: Int64
        var status: String
        var thumbnail: MakeThumbnail.Thumbnail?
        var errors: [String]
    }

    struct ChargeStatus: ResponseEncodable {
        var taskID: Int64
        var status: String
        var receipt: ChargeOrder.Receipt?
        var errors: [String]
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Enqueue and answer at once: the thumbnail is made by a worker on the `images` queue.
        router.post("thumbnails") { request, context -> Enqueued in
            let body = try await request.decode(as: ThumbnailRequest.self, context: context)
            let result = try await MakeThumbnail.enqueue(.init(path: body.path, maxWidth: body.maxWidth))
            return Enqueued(taskID: result.id.rawValue, status: result.status.rawValue)
        }
        router.get("thumbnails/:id") { _, context -> ThumbnailStatus in
            let result = try await existing { try await MakeThumbnail.result(id: try taskID(context)) }
            return ThumbnailStatus(
                taskID: result.id.rawValue, status: result.status.rawValue,
                thumbnail: result.status == .successful ? try result.returnValue : nil,
                errors: result.errors.map(\.message))
        }
        // The order row and the task that charges it, in one transaction (`payments` queue).
        router.post("orders") { request, context -> PlacedOrder in
            let body = try await request.decode(as: OrderRequest.self, context: context)
            let placed = try ShopDatabase.shared.placeOrder(item: body.item, cents: body.cents, store: store)
            return PlacedOrder(orderID: placed.order.id, taskID: placed.task.rawValue)
        }
        router.get("charges/:id") { _, context -> ChargeStatus in
            let result = try await existing { try await ChargeOrder.result(id: try taskID(context)) }
            return ChargeStatus(
                taskID: result.id.rawValue, status: result.status.rawValue,
                receipt: result.status == .successful ? try result.returnValue : nil,
                errors: result.errors.map(\.message))
        }
        return router
    }
}

/// The `:id` path parameter as a task id; 400 if it is not a number.
private func taskID(_ context: BasicRequestContext) throws -> TaskResultID {
    guard let id = TaskResultID(try context.parameters.require("id")) else {
        throw HTTPError(.badRequest, message: "a task id is a number")
    }
    return id
}

/// Runs `lookup`, turning "no task with this id" (pruned, or never enqueued) into 404 rather than 500.
private func existing<T>(_ lookup: () async throws -> T) async throws -> T {
    do {
        return try await lookup()
    } catch let error as OffloadError where error.code == .resultNotFound {
        throw HTTPError(.notFound, message: error.message)
    }
}
