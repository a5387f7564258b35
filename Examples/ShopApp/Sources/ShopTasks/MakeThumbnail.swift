import Offload

/// Makes a thumbnail of an uploaded image, on the `images` queue.
///
/// The example only computes the thumbnail's size (a real app would call an image library here): what matters is
/// that the web app answers at once and a worker does the slow part.
public struct MakeThumbnail: BackgroundTask {
    /// What the app passes: a path and a width, not the image itself, since arguments are stored as JSON.
    public struct Arguments: Codable, Sendable {
        public var path: String
        public var maxWidth: Int

        public init(path: String, maxWidth: Int) {
            self.path = path
            self.maxWidth = maxWidth
        }
    }

    public struct Thumbnail: Codable, Sendable {
        public var path: String
        public var width: Int
    }

    /// A stable name, so renaming the type later does not orphan tasks already stored.
    public static let name = "shop.make-thumbnail"
    public static let options = TaskOptions(queueName: "images", retry: .exponential(maxAttempts: 3))

    public static func run(_ arguments: Arguments, context: TaskContext) async throws -> Thumbnail {
        guard arguments.maxWidth > 0 else { throw ShopError.invalidWidth(arguments.maxWidth) }
        let name = arguments.path.split(separator: "/").last.map(String.init) ?? arguments.path
        return Thumbnail(path: "thumbnails/\(arguments.maxWidth)/\(name)", width: min(arguments.maxWidth, 1024))
    }
}
