import HTTPTypes
import Hummingbird

/// Adds the console's security headers to every response, errors included.
///
/// The CSP allows only the console's own script and style files: no inline script or style anywhere.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = error.consoleResponse()
        }
        response.headers[ConsoleHeader.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[ConsoleHeader.frameOptions] = "DENY"
        response.headers[ConsoleHeader.contentTypeOptions] = "nosniff"
        response.headers[ConsoleHeader.referrerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPError {
    /// `{"error": "…"}`, the API's one error shape.
    func consoleResponse() -> Response {
        let text = #"{"error":\#(JSONText.quote(body ?? status.reasonPhrase))}"#
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

enum JSONText {
    /// A JSON string literal for `text`.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// Header names HTTPTypes has no constant for.
enum ConsoleHeader {
    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
