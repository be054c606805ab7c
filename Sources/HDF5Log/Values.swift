/// The values an `HDF5File` and a `RunLog` hold.
///
/// Format on disk: `AttributeValue.string` is a scalar variable-length UTF-8 string,
/// `.int` a scalar 64-bit little-endian signed integer, `.double` a scalar IEEE float64.
/// `Column` cases are 1-D datasets of float64, float32, int64 and variable-length UTF-8
/// strings respectively.

/// A scalar attribute value.
public enum AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    case double(Double)

    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        }
    }

    /// The string, or nil when the value is numeric.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, or nil unless the value is `.int`.
    public var intValue: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The number as a Double for `.int` and `.double`, nil for strings.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string: return nil
        }
    }
}

/// A named 1-D column of values: one dataset in a group.
public enum Column: Equatable, Sendable {
    case double([Double])
    case float([Float])
    case int([Int64])
    case string([String])

    /// Number of entries.
    public var count: Int {
        switch self {
        case .double(let v): return v.count
        case .float(let v): return v.count
        case .int(let v): return v.count
        case .string(let v): return v.count
        }
    }
}

/// Element type of an appendable numeric dataset.
public enum NumericKind: Sendable {
    case double, float, int64
}
