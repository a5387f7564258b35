public func priceInCents(_ euros: Int) -> Int { euros * 100 }
