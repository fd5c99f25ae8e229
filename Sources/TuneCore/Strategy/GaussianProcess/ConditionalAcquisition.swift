/// An acquisition over a conditional space: the optimizer moves every coordinate, but the
/// acquisition is read at the point the kernel would see (`SearchEncoding.imputed`), with no
/// gradient along the dimensions of inactive parameters. A child's coordinate is kept while its
/// branch is off, so switching the parent back (a level move of the local search) finds it again.
struct ConditionalAcquisition: Acquisition {
    let base: any Acquisition
    let encoding: SearchEncoding

    var lengthScales: [Double] { base.lengthScales }

    func value(_ x: [Double]) -> Double {
        base.value(encoding.imputed(x).x)
    }

    func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let (point, active) = encoding.imputed(x)
        var (value, gradient) = base.valueAndGradient(point)
        for i in gradient.indices where !active[i] { gradient[i] = 0 }
        return (value, gradient)
    }
}
