import Foundation

/// The one JSON dialect Offload stores: sorted keys, dates as ISO 8601, non-finite floats refused.
public enum TaskJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

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
