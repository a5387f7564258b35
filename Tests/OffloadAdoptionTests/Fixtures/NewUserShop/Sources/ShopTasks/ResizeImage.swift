import Offload

/// Resizes an image on the `images` queue.
public struct ResizeImage: BackgroundTask {
    public struct Arguments: Codable, Sendable {
        public var path: String
        public var width: Int

        public init(path: String, width: Int) {
            self.path = path
            self.width = width
        }
    }

    public static let name = "shop.resize-image"
    public static let options = TaskOptions(queueName: "images")

    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> String {
        "resized v1 \(arguments.path) to \(arguments.width)"
    }
}
