import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@OffloadTask`: declares, beside a `static func … async`, the `BackgroundTask` type that runs it.
public struct OffloadTaskMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard let function = declaration.as(FunctionDeclSyntax.self) else {
            context.diagnose(Diagnostic(node: node, message: OffloadMacroDiagnostic.error(
                "notAFunction", "@OffloadTask applies to a 'static func … async' inside an enum marked @TaskNamespace; a type becomes a task by conforming to 'BackgroundTask'")))
            return []
        }
        let name = function.name.text
        guard let owner = ownerName(context.lexicalContext) else {
            context.diagnose(Diagnostic(node: node, message: OffloadMacroDiagnostic.error(
                "notInType", "declare '\(name)' inside an enum marked @TaskNamespace: Swift lets a macro declare the task type only inside another type, and the namespace lists it for the worker's registry")))
            return []
        }
        guard let task = TaskFunction.read(function, isInsideType: true, diagnose: { context.diagnose($0) }) else { return [] }
        if task.typeName == name.trimmingBackticks {
            context.diagnose(Diagnostic(node: function.name, message: OffloadMacroDiagnostic.error(
                "capitalizedName", "name '\(name)' in lowerCamelCase: its task type takes the capitalized name ('\(task.typeName)')")))
            return []
        }
        return [task.taskType(options: TaskAttributeOptions(node), owner: owner)]
    }

    /// The type that declares the function, as code to call it by (`Outer.MailTasks`); `nil` outside a type.
    static func ownerName(_ lexicalContext: [Syntax]) -> String? {
        var names: [String] = []
        for scope in lexicalContext {
            if let extensionDecl = scope.as(ExtensionDeclSyntax.self) {
                names.append(extensionDecl.extendedType.trimmedDescription)
                break
            }
            guard let name = typeName(of: scope) else {
                if names.isEmpty { return nil }
                break
            }
            names.append(name)
        }
        return names.isEmpty ? nil : names.reversed().joined(separator: ".")
    }

    private static func typeName(of scope: Syntax) -> String? {
        if let decl = scope.as(EnumDeclSyntax.self) { return decl.name.text }
        if let decl = scope.as(StructDeclSyntax.self) { return decl.name.text }
        if let decl = scope.as(ClassDeclSyntax.self) { return decl.name.text }
        if let decl = scope.as(ActorDeclSyntax.self) { return decl.name.text }
        return nil
    }
}
