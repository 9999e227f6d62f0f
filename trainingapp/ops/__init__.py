"""Operations tooling, not the product: demo data, the large generated organisation,
`flask doctor` and backups."""
