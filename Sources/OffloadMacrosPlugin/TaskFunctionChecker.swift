import SwiftDiagnostics
import SwiftSyntax

/// Checks a `@OffloadTask` function, reporting each problem at the code concerned with a fix-it where one is obvious.
struct TaskFunctionChecker {
    let function: FunctionDeclSyntax
    let diagnose: (Diagnostic) -> Void
    private(set) var foundError = false

    init(function: FunctionDeclSyntax, diagnose: @escaping (Diagnostic) -> Void) {
        self.function = function
        self.diagnose = diagnose
    }

    private mutating func error(_ node: some SyntaxProtocol, _ id: String, _ message: String, fixIts: [FixIt] = []) {
        foundError = true
        diagnose(Diagnostic(node: node, message: OffloadMacroDiagnostic.error(id, message), fixIts: fixIts))
    }

    /// `async`, `static`, not generic.
    mutating func checkSignature(isInsideType: Bool) {
        let name = function.name.text
        if function.signature.effectSpecifiers?.asyncSpecifier == nil {
            var effects = function.signature.effectSpecifiers ?? FunctionEffectSpecifiersSyntax()
            effects.asyncSpecifier = .keyword(.async, trailingTrivia: .space)
            var signature = function.signature
            signature.effectSpecifiers = effects
            error(function.name, "notAsync",
                  "@OffloadTask function '\(name)' must be 'async': a worker awaits it, and cancels it on timeout or shutdown",
                  fixIts: [FixIt(message: OffloadFixItMessage(message: "make '\(name)' async", id: "addAsync"),
                                 changes: [.replace(oldNode: Syntax(function.signature), newNode: Syntax(signature))])])
        }
        if let generics = function.genericParameterClause {
            error(generics, "generic",
                  "@OffloadTask function '\(name)' cannot be generic: a worker decodes its arguments from JSON and needs one concrete type for each")
        } else if let whereClause = function.genericWhereClause {
            error(whereClause, "generic", "@OffloadTask function '\(name)' cannot have a 'where' clause: its arguments need concrete types")
        }
        let isStatic = function.modifiers.contains { ["static", "class"].contains($0.name.text) }
        if isInsideType && !isStatic {
            var fixed = function
            let modifier = DeclModifierSyntax(
                name: .keyword(.static, leadingTrivia: function.modifiers.isEmpty ? function.funcKeyword.leadingTrivia : [], trailingTrivia: .space))
            if function.modifiers.isEmpty { fixed.funcKeyword.leadingTrivia = [] }
            fixed.modifiers.append(modifier)
            error(function.funcKeyword, "notStatic",
                  "@OffloadTask function '\(name)' must be 'static': a worker calls it without an instance",
                  fixIts: [FixIt(message: OffloadFixItMessage(message: "make '\(name)' static", id: "addStatic"),
                                 changes: [.replace(oldNode: Syntax(function), newNode: Syntax(fixed))])])
        }
    }

    /// The parameters stored in `Arguments`, and the label of a last `TaskContext` parameter.
    mutating func readParameters() -> (stored: [TaskFunction.Parameter], contextLabel: String??) {
        let parameters = Array(function.signature.parameterClause.parameters)
        var stored: [TaskFunction.Parameter] = []
        var contextLabel: String?? = nil
        for (index, parameter) in parameters.enumerated() {
            let label = parameter.firstName.text
            let name = (parameter.secondName ?? parameter.firstName).text
            if name == "_" {
                error(parameter, "unnamedParameter", "a parameter of an @OffloadTask function needs a name: it becomes a stored property of 'Arguments'")
                continue
            }
            if let ellipsis = parameter.ellipsis {
                error(ellipsis, "variadic", "'\(name)' is variadic: take an array ('[\(parameter.type.trimmedDescription)]') instead")
                continue
            }
            if Self.isTaskContext(parameter.type) {
                if index == parameters.count - 1 {
                    contextLabel = .some(label == "_" ? nil : label)
                } else {
                    error(parameter.type, "contextNotLast", "the 'TaskContext' parameter '\(name)' must come last; every other parameter is stored in 'Arguments'")
                }
                continue
            }
            if label == "runAfter" || name == "runAfter" {
                error(parameter, "reservedName", "'runAfter' is the generated enqueue(…)'s own parameter (the earliest start); give this parameter another name")
                continue
            }
            guard let type = checkedType(parameter.type, parameterName: name) else { continue }
            stored.append(TaskFunction.Parameter(
                label: label == "_" ? nil : label, name: name,
                type: type, defaultValue: parameter.defaultValue?.value))
        }
        return (stored, contextLabel)
    }

    /// The return type, `nil` for none.
    mutating func readReturnType() -> TypeSyntax? {
        guard let type = function.signature.returnClause?.type else { return nil }
        if ["Void", "()", "Swift.Void"].contains(type.trimmedDescription) { return nil }
        if let reason = Self.unstorableReason(type) {
            error(type, "unstorableReturn", "the return value of an @OffloadTask function is stored as JSON, and \(reason)")
            return nil
        }
        return type.trimmed
    }

    /// The type stored for a parameter, or `nil` after an error.
    private mutating func checkedType(_ type: TypeSyntax, parameterName: String) -> TypeSyntax? {
        var base = type
        if let attributed = type.as(AttributedTypeSyntax.self) {
            for specifier in attributed.specifiers {
                guard case .simpleTypeSpecifier(let simple) = specifier, simple.specifier.text == "inout" else { continue }
                let replacement = attributed.baseType.with(\.leadingTrivia, attributed.leadingTrivia).with(\.trailingTrivia, attributed.trailingTrivia)
                error(simple, "inout",
                      "'\(parameterName)' cannot be 'inout': a task runs later, in another process, so there is no caller's variable to write back to; return the new value instead",
                      fixIts: [FixIt(message: OffloadFixItMessage(message: "remove 'inout'", id: "removeInout"),
                                     changes: [.replace(oldNode: Syntax(attributed), newNode: Syntax(replacement))])])
                return nil
            }
            base = attributed.baseType
        }
        if let reason = Self.unstorableReason(base) {
            error(type, "unstorableParameter", "'\(parameterName)' is stored as JSON in 'Arguments', and \(reason)")
            return nil
        }
        return base.trimmed
    }

    /// Why a type can never be `Codable`, for the shapes the syntax alone shows.
    static func unstorableReason(_ type: TypeSyntax) -> String? {
        if let attributed = type.as(AttributedTypeSyntax.self) { return unstorableReason(attributed.baseType) }
        if type.is(FunctionTypeSyntax.self) {
            return "a function or closure cannot be stored: pass the data it would use, and do the work in the task"
        }
        if let opaque = type.as(SomeOrAnyTypeSyntax.self) {
            return "'\(opaque.trimmedDescription)' has no single shape to decode into: name a concrete Codable type"
        }
        if type.is(MetatypeTypeSyntax.self) {
            return "a type cannot be stored: store a name or a case of an enum and map it back"
        }
        if let tuple = type.as(TupleTypeSyntax.self), tuple.elements.count != 1 {
            return "a tuple is not Codable: declare a Codable struct instead"
        }
        return nil
    }

    static func isTaskContext(_ type: TypeSyntax) -> Bool {
        ["TaskContext", "Offload.TaskContext"].contains(type.trimmedDescription)
    }
}
