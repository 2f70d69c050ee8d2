"""Life changes and timing: a move, a new sibling, a separation, a work change, a change of unit, and
the dates a family must act on (applications, preschool, school). See docs/life.md."""
