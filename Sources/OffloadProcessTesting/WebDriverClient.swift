import Foundation
import OffloadTesting

/// A small W3C WebDriver client over HTTP, for tests that drive Debian's headless chromium through chromedriver.
///
/// ``start()`` returns `nil` when chromium or chromedriver is not installed, so a test can skip with that reason.
public final class WebDriverClient: Sendable {
    public static let chromium = "/usr/bin/chromium"
    public static let chromedriver = "/usr/bin/chromedriver"

    /// Why browser tests cannot run here, or `nil` when they can.
    public static var unavailableReason: String? {
        for path in [chromium, chromedriver, "/usr/bin/curl"] where !FileManager.default.isExecutableFile(atPath: path) {
            return "\(path) is not installed (apt-get install chromium chromium-driver curl)"
        }
        return nil
    }

    private let driver: Process
    private let base: String
    private let sessionID: String
    private let directory: TemporaryDirectory

    private init(driver: Process, base: String, sessionID: String, directory: TemporaryDirectory) {
        self.driver = driver
        self.base = base
        self.sessionID = sessionID
        self.directory = directory
    }

    /// Starts chromedriver on a free port and a headless chromium session with a phone-to-laptop sized window.
    public static func start(width: Int = 1200, height: Int = 900) async throws -> WebDriverClient {
        let directory = TemporaryDirectory("offload-webdriver")
        let port = Int.random(in: 20_000...40_000)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: chromedriver)
        driver.arguments = ["--port=\(port)", "--log-path=\(directory.file("chromedriver.log"))"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let base = "http://127.0.0.1:\(port)"
        do {
            try await waitUntil("chromedriver answers", timeout: .seconds(60), interval: .milliseconds(100)) {
                (try? await request("GET", base + "/status", nil)) != nil
            }
        } catch {
            await stop(driver)
            throw error
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                         "--user-data-dir=\(directory.file("profile"))"],
            ],
        ] as [String: Any]]]
        let answer = try await request("POST", base + "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            await stop(driver)
            throw WebDriverError(message: "no session: \(answer)")
        }
        return WebDriverClient(driver: driver, base: base, sessionID: id, directory: directory)
    }

    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// Runs `script` in the page and returns its result.
    public func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])["value"]
    }

    /// Clicks the first element matching a CSS selector.
    public func click(_ selector: String) async throws {
        let found = try await command("POST", "/element", ["using": "css selector", "value": selector])
        guard let element = found["value"] as? [String: Any], let id = element.values.first as? String else {
            throw WebDriverError(message: "no element \(selector)")
        }
        _ = try await command("POST", "/element/\(id)/click", [:])
    }

    /// Accepts the page's `confirm()` dialog.
    public func acceptDialog() async throws {
        _ = try await command("POST", "/alert/accept", [:])
    }

    /// A PNG of the window.
    public func screenshot() async throws -> Data {
        let answer = try await command("GET", "/screenshot", nil)
        guard let text = answer["value"] as? String, let data = Data(base64Encoded: text) else { throw WebDriverError(message: "no screenshot") }
        return data
    }

    /// Ends the session and stops chromedriver (which stops chromium).
    public func quit() async {
        _ = try? await command("DELETE", "", nil)
        await Self.stop(driver)
    }

    /// chromedriver ignores SIGTERM and SIGINT on this machine (it stays, reparented to init), so it gets SIGKILL.
    private static func stop(_ driver: Process) async {
        guard driver.isRunning else { return }
        kill(driver.processIdentifier, SIGKILL)
        try? await waitUntil("chromedriver exits", timeout: .seconds(20)) { !driver.isRunning }
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        try await Self.request(method, "\(base)/session/\(sessionID)\(path)", body)
    }

    /// One HTTP exchange through `curl` (URLSession on Linux fails on chromedriver's answers: "Failed writing
    /// header"); the child is awaited by polling, so no cooperative thread blocks.
    private static func request(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let scratch = TemporaryDirectory("offload-webdriver-request")
        let output = scratch.file("out"), status = scratch.file("status")
        var arguments = ["-s", "-X", method, "-o", output, "-w", "%{http_code}", "--max-time", "120", url]
        if let body {
            let input = scratch.file("in")
            try JSONSerialization.data(withJSONObject: body).write(to: URL(fileURLWithPath: input))
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + input]
        }
        _ = FileManager.default.createFile(atPath: status, contents: nil)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = arguments
        curl.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: status))
        curl.standardError = FileHandle.nullDevice
        try curl.run()
        try await waitUntil("curl \(method) \(url)", timeout: .seconds(150), interval: .milliseconds(10)) { !curl.isRunning }
        guard curl.terminationStatus == 0 else { throw WebDriverError(message: "\(method) \(url): curl exited \(curl.terminationStatus)") }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data()
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let code = Int((try? String(contentsOfFile: status, encoding: .utf8)) ?? "") ?? 0
        if code >= 400 || code == 0 {
            throw WebDriverError(message: "\(method) \(url): \(code) \(String(decoding: data, as: UTF8.self).prefix(500))")
        }
        return json
    }
}

public struct WebDriverError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
