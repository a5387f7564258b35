import PostgresNIO

/// Bindings for a few values, in the order of their `$1`, `$2`… placeholders.
func bindings(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
    var bindings = PostgresBindings(capacity: values.count)
    for value in values { bindings.append(value) }
    return bindings
}
