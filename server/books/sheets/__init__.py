"""The sheets of a consolidated book, one module each; every module has `write(bw: BookWriter)`."""
