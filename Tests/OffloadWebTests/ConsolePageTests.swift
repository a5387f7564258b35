import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Offload
import OffloadWeb
import Testing

@Suite("The console's pages and security headers")
struct ConsolePageTests {
    @Test("the one escaping function escapes tags, quotes and ampersands")
    func escapes() {
        #expect(HTML.escape(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        #expect(HTML.escape("plain é") == "plain é")
    }

    @Test("every page answers with the security headers and shows database strings as text")
    func pagesEscapeAndCarryHeaders() async throws {
        let fixture = try ConsoleFixture()
        let hostile = #"<script>alert("name")</script>"#
        let task = try await fixture.enqueue(hostile, queue: "q<i>", arguments: #"{"html":"<img src=x onerror=alert(1)>"}"#)
        _ = try await fixture.failedTask(hostile)
        try await fixture.test { client in
            for path in ["/", "/tasks", "/tasks/\(task.id)", "/tasks/2", "/workers", "/api/v1/tasks", "/tasks/999"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("unsafe-inline") == false, "\(path)")
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true, "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(path)")
                    // JSON (served as application/json with nosniff) carries the strings as they are; pages escape them.
                    guard !path.hasPrefix("/api/") else { return }
                    #expect(!response.text.contains("<script>alert"), "\(path) shows the task name as markup")
                    #expect(!response.text.contains("<img src=x"), "\(path) shows the arguments as markup")
                    #expect(!response.text.contains("<b>smtp"), "\(path) shows the error as markup")
                    if path.hasPrefix("/tasks/") && path != "/tasks/999" { #expect(response.text.contains("&lt;script&gt;alert(&quot;name&quot;)")) }
                }
            }
            try await client.execute(uri: "/tasks/999", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/tasks?status=NOPE", method: .get) { #expect($0.status == .badRequest) }
        }
    }

    @Test("the pages load only the console's own script and style, with no inline script or style")
    func noInlineScriptOrStyle() async throws {
        let fixture = try ConsoleFixture()
        _ = try await fixture.failedTask()
        try await fixture.test { client in
            for path in ["/", "/tasks", "/tasks/1", "/workers"] {
                let html = try await client.execute(uri: path, method: .get) { $0.text }
                #expect(html.contains(#"<script src="/assets/console.js" defer></script>"#))
                #expect(html.components(separatedBy: "<script").count == 2, "\(path): one script tag")
                #expect(!html.contains("<style") && !html.contains(" style=") && !html.contains(" onclick="), "\(path)")
                #expect(html.contains(#"<meta name="csrf-token" content="test-token">"#))
            }
            try await client.execute(uri: "/assets/console.js", method: .get) { #expect($0.headers[.contentType]?.hasPrefix("text/javascript") == true) }
            try await client.execute(uri: "/assets/console.css", method: .get) { #expect($0.headers[.contentType]?.hasPrefix("text/css") == true) }
        }
    }

    @Test("the task page shows arguments as formatted JSON and each attempt's error with its traceback open")
    func taskPageShowsAttempts() async throws {
        let fixture = try ConsoleFixture()
        let failed = try await fixture.failedTask()
        try await fixture.test { client in
            let html = try await client.execute(uri: "/tasks/\(failed.id)", method: .get) { $0.text }
            #expect(html.contains(#"<details class="error-detail" open><summary>Attempt 1: MailError</summary>"#))
            #expect(html.contains("frame 1\nframe 2"))
            #expect(html.contains(#"data-action="retry""#))
            #expect(html.contains("<td>w1</td>"))
        }
    }

    @Test("the console mounts under /admin behind an app's own authentication middleware")
    func mountsUnderAPathBehindAuth() async throws {
        let fixture = try ConsoleFixture()
        let router = Router()
        let admin = router.group("admin").add(middleware: RequireHeader())
        OffloadConsole(store: fixture.store, configuration: ConsoleConfiguration(basePath: "/admin")).addRoutes(to: admin)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/admin/tasks", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/admin/tasks", method: .get, headers: [.authorization: "let me in"]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains(#"href="/admin/assets/console.css""#))
                #expect(response.text.contains(#"<meta name="console-base" content="/admin">"#))
            }
            try await client.execute(uri: "/admin/api/v1/queues", method: .get, headers: [.authorization: "let me in"]) { #expect($0.status == .ok) }
        }
    }

    @Test("with a token, requests need it as a bearer token or through the login form's cookie")
    func tokenAuthentication() async throws {
        let fixture = try ConsoleFixture()
        let token = "a-token-of-enough-length"
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: TokenAuthMiddleware(token: token))
        OffloadConsole(store: fixture.store).addRoutes(to: router.group())
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/queues", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/api/v1/queues", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=wrong")) { #expect($0.status == .unauthorized) }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "token=\(token)")) { response in
                #expect(response.status == .seeOther)
                let header = response.headers[.setCookie] ?? ""
                #expect(header.contains("HttpOnly") && header.contains("SameSite=Strict"))
                #expect(!header.contains(token))
                return String(header.split(separator: ";")[0])
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok) }
        }
    }
}

/// Stands in for an app's own authentication.
struct RequireHeader<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.authorization] == "let me in" else { throw HTTPError(.unauthorized) }
        return try await next(request, context)
    }
}
