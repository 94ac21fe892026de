"""Support for the tests and the benchmarks, kept out of the app: nothing in forum/ or accounts/
imports it. Both tests and bench/ may; tests never import bench/."""
