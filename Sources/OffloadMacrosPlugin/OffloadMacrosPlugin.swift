import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that carries Offload's macros.
@main
struct OffloadMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        OffloadTaskMacro.self,
        TaskNamespaceMacro.self,
    ]
}
