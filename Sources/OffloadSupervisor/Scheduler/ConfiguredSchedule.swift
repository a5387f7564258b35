import Foundation
import Offload

extension ConfigurationFile {
    /// Keys `schedule.NAME` declare one schedule each (file only: no environment variable overrides them).
    public static let scheduleKeyPrefix = "schedule."
}

/// One `schedule.NAME = …` line of the configuration file:
///
/// ```
/// schedule.nightly-report = task=Shop.NightlyReport; cron=30 2 * * *; zone=Europe/Berlin; queue=reports; priority=5; missed=skip; arguments={"full": true}
/// schedule.heartbeat = task=Shop.Ping; every=60
/// ```
///
/// Fields are `name=value` separated by `;`: `task` and one of `cron`/`every` (seconds) are required;
/// `zone`, `queue`, `priority`, `missed` (`run-latest` or `skip`) and `arguments` (JSON, last, as it may
/// contain `;`) are optional. Any mistake is a configuration error naming the file and line.
public struct ConfiguredSchedule: Sendable, Equatable {
    public var name: String
    public var taskName: String
    public var schedule: TaskSchedule
    public var queueName: String?
    public var priority: Int?
    /// Where it was written, for messages: `path:line`.
    public var path: String
    public var line: Int

    static func all(in file: ConfigurationFile) throws(ConfigurationError) -> [ConfiguredSchedule] {
        try file.entries.filter { $0.key.hasPrefix(ConfigurationFile.scheduleKeyPrefix) }
            .sorted { $0.value.line < $1.value.line }
            .map { (key, entry) throws(ConfigurationError) in
                try ConfiguredSchedule(name: String(key.dropFirst(ConfigurationFile.scheduleKeyPrefix.count)), text: entry.value, path: file.path, line: entry.line)
            }
    }

    init(name: String, text: String, path: String, line: Int) throws(ConfigurationError) {
        func fail(_ problem: String) -> ConfigurationError {
            .atLine(.invalidValue, path: path, line: line, "schedule \"\(name)\": \(problem)")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw fail("a schedule name is letters, digits, '-', '_' and '.' (schedule.NAME = …)")
        }
        var fields: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            let item: Substring
            if ConfigurationSyntax.trimmed(rest).hasPrefix("arguments=") {
                item = rest
                rest = ""
            } else if let semicolon = rest.firstIndex(of: ";") {
                item = rest[..<semicolon]
                rest = rest[rest.index(after: semicolon)...]
            } else {
                item = rest
                rest = ""
            }
            let field = ConfigurationSyntax.trimmed(item)
            if field.isEmpty { continue }
            guard let equals = field.firstIndex(of: "=") else { throw fail("expected field=value, found \"\(field)\"") }
            let key = ConfigurationSyntax.trimmed(field[..<equals])
            let value = ConfigurationSyntax.trimmed(field[field.index(after: equals)...])
            guard ["task", "cron", "every", "zone", "queue", "priority", "missed", "arguments"].contains(key) else {
                throw fail("unknown field \"\(key)\" (known: task, cron, every, zone, queue, priority, missed, arguments)")
            }
            guard fields[key] == nil else { throw fail("\"\(key)\" is given twice") }
            guard !value.isEmpty else { throw fail("\"\(key)\" has no value") }
            fields[key] = value
        }
        guard let task = fields["task"] else { throw fail("no task=NAME (the registered name of the task to enqueue)") }
        let missed: MissedSlotPolicy
        if let text = fields["missed"] {
            guard let policy = MissedSlotPolicy(rawValue: text) else { throw fail("missed=\(text): expected run-latest or skip") }
            missed = policy
        } else {
            missed = .runLatest
        }
        var schedule: TaskSchedule
        switch (fields["cron"], fields["every"]) {
        case (let cron?, nil):
            do {
                schedule = try .cron(cron, timeZone: fields["zone"], missed: missed)
            } catch {
                throw fail("\(error)")
            }
        case (nil, let every?):
            guard let seconds = Int64(every), seconds >= 1, seconds <= 366 * 86_400 else {
                throw fail("every=\(every): expected whole seconds from 1 to 31622400")
            }
            guard fields["zone"] == nil else { throw fail("zone applies to cron schedules only; an interval counts from 1970 UTC") }
            schedule = .every(.seconds(seconds), missed: missed)
        case (nil, nil): throw fail("give cron=EXPRESSION or every=SECONDS")
        case (_?, _?): throw fail("give cron= or every=, not both")
        }
        if let arguments = fields["arguments"] {
            guard (try? JSONSerialization.jsonObject(with: Data(arguments.utf8), options: [.fragmentsAllowed])) is [String: Any] else {
                throw fail("arguments=\(arguments) is not a JSON object")
            }
            schedule.arguments = arguments
        }
        var priority: Int?
        if let text = fields["priority"] {
            guard let value = Int(text), (-100...100).contains(value) else { throw fail("priority=\(text): expected a whole number from -100 to 100") }
            priority = value
        }
        self.name = name
        self.taskName = task
        self.schedule = schedule
        self.queueName = fields["queue"]
        self.priority = priority
        self.path = path
        self.line = line
    }
}
