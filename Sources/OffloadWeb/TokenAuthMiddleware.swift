import Foundation
import Hummingbird

/// What `offload-web --auth-token-file` puts in front of the console: every request needs the token, as
/// `Authorization: Bearer …` or through the cookie that the small login form sets.
///
/// The cookie never holds the token itself, only a random session value of this process (so a restart logs
/// everyone out, and a leaked cookie does not reveal the token). Comparisons take constant time.
public struct TokenAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var cookieName: String { "offload_console_session" }
    let token: String
    let session: String
    let basePath: String

    public init(token: String, basePath: String = "") {
        self.token = token
        self.session = ConsoleConfiguration.randomToken()
        self.basePath = basePath
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let loginPath = basePath + "/login"
        if request.uri.path == loginPath {
            if request.method == .post { return try await login(request) }
            if request.method == .get { return Self.loginPage(loginPath, failed: false) }
        }
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
           ConstantTime.equal(String(authorization.dropFirst("Bearer ".count)), token) {
            return try await next(request, context)
        }
        if let cookie = request.cookies[Self.cookieName], ConstantTime.equal(cookie.value, session) {
            return try await next(request, context)
        }
        if request.uri.path.hasPrefix(basePath + "/api/") {
            return HTTPError(.unauthorized, message: "authentication required: send Authorization: Bearer <token>").consoleResponse()
        }
        return Response(status: .seeOther, headers: [.location: loginPath])
    }

    private func login(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        let form = String(buffer: body)
        var given = ""
        for pair in form.split(separator: "&") where pair.hasPrefix("token=") {
            let raw = pair.dropFirst("token=".count).replacingOccurrences(of: "+", with: " ")
            given = raw.removingPercentEncoding ?? raw
        }
        guard ConstantTime.equal(given, token) else { return Self.loginPage(basePath + "/login", failed: true) }
        var response = Response(status: .seeOther, headers: [.location: basePath.isEmpty ? "/" : basePath])
        response.setCookie(Cookie(name: Self.cookieName, value: session, path: basePath.isEmpty ? "/" : basePath, secure: false, httpOnly: true, sameSite: .strict))
        return response
    }

    static func loginPage(_ action: String, failed: Bool) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Offload</title></head><body>
            <main><h1>Offload console</h1>\(failed ? "<p>Wrong token.</p>" : "")
            <form method="post" action="\(HTML.escape(action))"><label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label>
            <button type="submit">Sign in</button></form></main></body></html>
            """
        return Response(status: failed ? .unauthorized : .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
