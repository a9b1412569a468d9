// placeholder: the ganforge CLI entry (export generator, train, sample) is built here.
console.error('ganforge: not built yet');
process.exit(1);
