"""The ground every stage stands on: errors, exact numbers, source text and places, output cells."""
