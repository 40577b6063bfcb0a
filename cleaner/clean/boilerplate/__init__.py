"""Strip web boilerplate line by line, keeping the values of metadata lines."""
