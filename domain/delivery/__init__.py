"""Document delivery by Saudi Post: the national address, the status pipeline,
tracking numbers and the operations that change a delivery."""
