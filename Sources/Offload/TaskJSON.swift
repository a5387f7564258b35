import Foundation

/// The one JSON dialect Offload stores: sorted keys, dates as ISO 8601, non-finite floats refused.
public enum TaskJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(preciseDate))
        }
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? preciseDate.parse(text) { return date }
            if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not an ISO 8601 date")
        }
        return decoder
    }

    /// ISO 8601 with milliseconds: attempts a few milliseconds apart stay in order when read back.
    private static let preciseDate = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let data = try encoder().encode(value)
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try decoder().decode(type, from: Data(text.utf8))
    }

    static func encodeArguments<Value: Encodable>(_ value: Value, task: String) throws(OffloadError) -> String {
        do {
            return try encode(value)
        } catch {
            throw .unencodableArguments(task: task, error)
        }
    }

    /// Whether `text` is one JSON object, the form arguments take (as Django's kwargs).
    public static func isObject(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any]
    }
}
