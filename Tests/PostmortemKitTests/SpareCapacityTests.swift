import Testing
@testable import PostmortemKit

@Suite struct SpareCapacityTests {
    @Test func anArrayGrownByAppendingKeepsItsElementsInABufferOfTheirSize() {
        // Appended to just past a growth: room for about as many again.
        var grown: [Int32] = Array(0..<1_000)
        while true {
            let capacity = grown.capacity
            grown.append(Int32(grown.count))
            if grown.capacity > capacity { break }
        }
        #expect(grown.capacity >= 3 * grown.count / 2)
        let tight = grown.withoutSpareCapacity()
        #expect(tight == grown)
        #expect(tight.capacity <= grown.count + grown.count / 8)
        // Nothing to give back: the same elements.
        #expect(tight.withoutSpareCapacity() == tight)
        #expect([UInt16]().withoutSpareCapacity().isEmpty)
    }
}
