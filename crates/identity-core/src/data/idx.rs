//! The IDX file format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header of
//! magic, dimensions, then unsigned bytes.

use super::DataError;

/// A decoded IDX array of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// Sizes of each dimension, outermost first: `[count]` for labels, `[count, rows, cols]` for
    /// images.
    pub dims: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<u8>,
}

/// The IDX type code for unsigned bytes, the only type MNIST uses.
const UBYTE: u8 = 0x08;

/// Decodes an IDX file of unsigned bytes.
///
/// Checks the magic number, that the type is unsigned bytes, and that the payload holds exactly
/// the product of the dimensions.
pub fn decode(bytes: &[u8]) -> Result<IdxArray, DataError> {
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(DataError::Idx(
            "not an IDX file: the first two bytes must be zero".into(),
        ));
    }
    if bytes[2] != UBYTE {
        return Err(DataError::Idx(format!(
            "IDX type 0x{:02x} is not supported (only unsigned bytes, 0x08)",
            bytes[2]
        )));
    }
    let rank = bytes[3] as usize;
    if rank == 0 || rank > 4 {
        return Err(DataError::Idx(format!(
            "IDX rank must be in 1..=4, got {rank}"
        )));
    }
    let header = 4 + 4 * rank;
    if bytes.len() < header {
        return Err(DataError::Idx("IDX header is truncated".into()));
    }
    let dims: Vec<usize> = (0..rank)
        .map(|i| {
            let at = 4 + 4 * i;
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        })
        .collect();
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let payload = &bytes[header..];
    match expected {
        Some(n) if n == payload.len() => Ok(IdxArray {
            dims,
            data: payload.to_vec(),
        }),
        _ => Err(DataError::Idx(format!(
            "IDX payload has {} bytes but the header {:?} asks for {:?}",
            payload.len(),
            dims,
            expected
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IDX file of rank 3 and shape 2 x 1 x 3, built by hand.
    fn tiny() -> Vec<u8> {
        let mut bytes = vec![0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3];
        bytes.extend(0..6u8);
        bytes
    }

    #[test]
    fn decodes_header_and_payload() {
        let decoded = decode(&tiny()).unwrap();
        assert_eq!(decoded.dims, [2, 1, 3]);
        assert_eq!(decoded.data, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn rejects_bad_files() {
        assert!(decode(&[1, 2]).is_err());
        assert!(decode(&[0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]).is_err()); // floats
        let mut short = tiny();
        short.pop();
        let err = decode(&short).unwrap_err().to_string();
        assert!(err.contains("payload has 5 bytes"), "{err}");
    }
}
