import OffloadMacrosPlugin
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The macros under test, by the names the sources write.
let offloadMacros: [String: MacroSpec] = [
    "OffloadTask": MacroSpec(type: OffloadTaskMacro.self),
    "TaskNamespace": MacroSpec(type: TaskNamespaceMacro.self),
]

/// swift-syntax's expansion check, reporting through Swift Testing at the caller's line.
/// `macros` limits the expansion to those named, so a test of one macro shows only its output.
func expectExpansion(
    _ source: String,
    expandedSource: String,
    diagnostics: [DiagnosticSpec] = [],
    fixedSource: String? = nil,
    macros: Set<String>? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    assertMacroExpansion(
        source, expandedSource: expandedSource, diagnostics: diagnostics, macroSpecs: offloadMacros.filter { macros?.contains($0.key) ?? true },
        fixedSource: fixedSource,
        failureHandler: { failure in
            Issue.record(Comment(rawValue: failure.message), sourceLocation: sourceLocation)
        })
}
