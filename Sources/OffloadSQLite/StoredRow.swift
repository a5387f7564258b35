import Foundation
import GRDB
import Offload

/// Reads a stored row column by column without ever trapping, collecting what it cannot read.
///
/// SQLite keeps any value in any column, and GRDB's typed subscripts stop the process on a value of the
/// wrong type (`row[3] as Int64` on `'soon'`), so every column Offload reads goes through here: a value
/// of the wrong type gives a placeholder and a ``StoredValueProblem`` naming the column.
struct StoredRow {
    let row: Row
    /// The column names, in the order of the row's values.
    let columns: [String]
    private(set) var problems: [StoredValueProblem] = []

    init(_ row: Row, columns: [String]) {
        self.row = row
        self.columns = columns
    }

    mutating func integer(_ index: Int, or placeholder: Int64 = 0) -> Int64 {
        let value: DatabaseValue = row[index]
        if case .int64(let number) = value.storage { return number }
        note(index, "holds \(Self.describe(value)), not an integer")
        return placeholder
    }

    mutating func optionalInteger(_ index: Int) -> Int64? {
        let value: DatabaseValue = row[index]
        switch value.storage {
        case .null: return nil
        case .int64(let number): return number
        default:
            note(index, "holds \(Self.describe(value)), not an integer")
            return nil
        }
    }

    mutating func int(_ index: Int, or placeholder: Int = 0) -> Int {
        let number = integer(index, or: Int64(placeholder))
        return Int(exactly: number) ?? placeholder
    }

    mutating func real(_ index: Int, or placeholder: Double = 0) -> Double {
        let value: DatabaseValue = row[index]
        switch value.storage {
        case .int64(let number): return Double(number)
        case .double(let number): return number
        default:
            note(index, "holds \(Self.describe(value)), not a number")
            return placeholder
        }
    }

    mutating func text(_ index: Int, or placeholder: String = "?") -> String {
        let value: DatabaseValue = row[index]
        if case .string(let text) = value.storage { return text }
        note(index, "holds \(Self.describe(value)), not text")
        return placeholder
    }

    mutating func optionalText(_ index: Int) -> String? {
        let value: DatabaseValue = row[index]
        switch value.storage {
        case .null: return nil
        case .string(let text): return text
        default:
            note(index, "holds \(Self.describe(value)), not text")
            return "?"
        }
    }

    mutating func json<Value: Decodable>(_ type: Value.Type, _ index: Int, or placeholder: Value) -> Value {
        let value: DatabaseValue = row[index]
        guard case .string(let text) = value.storage else {
            note(index, "holds \(Self.describe(value)), not JSON text")
            return placeholder
        }
        do {
            return try TaskJSON.decode(type, from: text)
        } catch {
            note(index, "holds \(StoredTaskValues.quoted(text)), not the JSON Offload writes there")
            return placeholder
        }
    }

    mutating func date(_ index: Int) -> Date {
        DatabaseTime.date(integer(index))
    }

    mutating func optionalDate(_ index: Int) -> Date? {
        optionalInteger(index).map(DatabaseTime.date)
    }

    /// Records a problem found by a check outside this reader (a number out of range).
    mutating func note(_ problem: StoredValueProblem) {
        problems.append(problem)
    }

    private mutating func note(_ index: Int, _ reason: String) {
        problems.append(StoredValueProblem(column: columns[index], reason: reason))
    }

    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): "the integer \(number)"
        case .double(let number): "the real \(number)"
        case .string(let text): "the text \(StoredTaskValues.quoted(text))"
        case .blob(let data): "a BLOB of \(data.count) bytes"
        }
    }
}

/// SQL true when `column` holds a JSON array as text. `CASE` rather than `AND`: SQLite evaluates both sides of an
/// `AND` in a value, and `json_type` raises an error on malformed JSON where `json_valid` does not.
func isJSONArray(_ column: String) -> String {
    "(CASE WHEN typeof(\(column)) = 'text' AND json_valid(\(column)) THEN json_type(\(column)) = 'array' ELSE 0 END)"
}
