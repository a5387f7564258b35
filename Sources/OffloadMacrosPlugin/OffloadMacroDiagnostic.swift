import SwiftDiagnostics

/// A message of Offload's macros: what is wrong and what to write instead.
struct OffloadMacroDiagnostic: DiagnosticMessage {
    let message: String
    let id: String
    let severity: DiagnosticSeverity

    var diagnosticID: MessageID { MessageID(domain: "OffloadMacros", id: id) }

    static func error(_ id: String, _ message: String) -> OffloadMacroDiagnostic {
        OffloadMacroDiagnostic(message: message, id: id, severity: .error)
    }

    static func warning(_ id: String, _ message: String) -> OffloadMacroDiagnostic {
        OffloadMacroDiagnostic(message: message, id: id, severity: .warning)
    }

    static func note(_ id: String, _ message: String) -> OffloadMacroNote {
        OffloadMacroNote(message: message, id: id)
    }
}

/// A note attached to a diagnostic (for example: where the first of two duplicates is).
struct OffloadMacroNote: NoteMessage {
    let message: String
    let id: String
    var noteID: MessageID { MessageID(domain: "OffloadMacros", id: id) }
}

/// The label of a fix-it the compiler offers to apply.
struct OffloadFixItMessage: FixItMessage {
    let message: String
    let id: String
    var fixItID: MessageID { MessageID(domain: "OffloadMacros", id: id) }
}
