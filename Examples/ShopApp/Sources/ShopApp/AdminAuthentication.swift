import Foundation
import Hummingbird

/// The shop's own guard in front of its admin pages (here: Offload's console under `/admin`): a bearer token
/// read from a file at start-up. A real shop would check its staff's session instead; the console leaves who
/// may see it to the app.
struct AdminAuthentication<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(header.utf8.dropFirst("Bearer ".utf8.count)), Array(token.utf8)) else {
            throw HTTPError(.unauthorized, message: "admin pages need Authorization: Bearer <token>")
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so response times do not reveal the token.
    private static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    /// Reads the token from `path`, which only its owner may read: a token others can read is no secret.
    static func token(fromFile path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard permissions & 0o077 == 0 else {
            throw AdminTokenError("\(path) may be read by other users (mode \(String(permissions, radix: 8))); chmod 600 it")
        }
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.utf8.count >= 16 else { throw AdminTokenError("\(path) holds a token shorter than 16 characters") }
        return token
    }
}

struct AdminTokenError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
