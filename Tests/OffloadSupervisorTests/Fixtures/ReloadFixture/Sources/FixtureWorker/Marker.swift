enum Marker {
    static let value = "v1"
}
