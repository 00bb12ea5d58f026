//! The MNIST and Fashion-MNIST subsets bundled into the binary (and so into the wasm module),
//! written by `cargo xtask data`; see `data/NOTICE` for their origin and licences.

use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use rand::{RngExt, SeedableRng, rngs::StdRng};

use super::{DataError, Image, MNIST_SIDE, idx};

/// A bundled subset of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subset {
    /// The first 1,000 images of the MNIST test set (the first 100 in the wasm module).
    MnistTest,
    /// The first 100 images of the MNIST training set (the training digit comes from here).
    MnistTrain,
    /// The first 1,000 images of the Fashion-MNIST test set (the first 100 in the wasm module).
    FashionTest,
}

/// Images and labels of one bundled subset, decoded once.
#[derive(Debug)]
pub struct Dataset {
    images: Vec<u8>,
    labels: Vec<u8>,
}

macro_rules! bundled {
    ($name:literal) => {
        (
            include_bytes!(concat!("../../data/", $name, "-images-idx3-ubyte.gz")).as_slice(),
            include_bytes!(concat!("../../data/", $name, "-labels-idx1-ubyte.gz")).as_slice(),
        )
    };
}

impl Subset {
    /// Every bundled subset.
    pub const ALL: [Subset; 3] = [Subset::MnistTest, Subset::MnistTrain, Subset::FashionTest];

    /// The gzipped IDX files (images, labels).
    #[cfg(not(target_arch = "wasm32"))]
    fn files(self) -> (&'static [u8], &'static [u8]) {
        match self {
            Subset::MnistTest => bundled!("mnist-test-1000"),
            Subset::MnistTrain => bundled!("mnist-train-100"),
            Subset::FashionTest => bundled!("fashion-test-1000"),
        }
    }

    /// The gzipped IDX files (images, labels) of the wasm module: the first 100 test images,
    /// all the page asks for (its 100 bundled digits, the test row's first few, Fig. 8's
    /// probe), at a tenth of the bytes (the module is a download).
    #[cfg(target_arch = "wasm32")]
    fn files(self) -> (&'static [u8], &'static [u8]) {
        match self {
            Subset::MnistTest => bundled!("mnist-test-100"),
            Subset::MnistTrain => bundled!("mnist-train-100"),
            Subset::FashionTest => bundled!("fashion-test-100"),
        }
    }

    /// The decoded subset (decoded on first use, then shared).
    pub fn load(self) -> Result<&'static Dataset, DataError> {
        static CACHE: [OnceLock<Result<Dataset, String>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let slot = &CACHE[self as usize];
        slot.get_or_init(|| Dataset::from_gzip_idx(self.files()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| DataError::Idx(format!("bundled {self:?} data: {e}")))
    }
}

impl Dataset {
    /// Decodes a pair of gzipped IDX files (images of 28 x 28, labels) of equal count.
    pub fn from_gzip_idx((images, labels): (&[u8], &[u8])) -> Result<Self, DataError> {
        let images = idx::decode(&gunzip(images)?)?;
        let labels = idx::decode(&gunzip(labels)?)?;
        if images.dims.len() != 3 || images.dims[1] != MNIST_SIDE || images.dims[2] != MNIST_SIDE {
            return Err(DataError::Idx(format!(
                "expected images of shape [n, 28, 28], got {:?}",
                images.dims
            )));
        }
        if labels.dims != [images.dims[0]] {
            return Err(DataError::Idx(format!(
                "{} images but labels of shape {:?}",
                images.dims[0], labels.dims
            )));
        }
        Ok(Self {
            images: images.data,
            labels: labels.data,
        })
    }

    /// The number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the subset holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels (0-9), one per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Image `index` as a 28 x 28 [`Image`].
    pub fn image(&self, index: usize) -> Result<Image, DataError> {
        if index >= self.len() {
            return Err(DataError::Index(format!(
                "image index {index} is past the {} bundled images",
                self.len()
            )));
        }
        let n = MNIST_SIDE * MNIST_SIDE;
        Image::from_bytes(MNIST_SIDE, &self.images[index * n..(index + 1) * n])
    }

    /// The first `count` images whose index is not `skip` (e.g. test digits other than the
    /// training one).
    pub fn images_except(
        &self,
        count: usize,
        skip: Option<usize>,
    ) -> Result<Vec<Image>, DataError> {
        (0..self.len())
            .filter(|&i| Some(i) != skip)
            .take(count)
            .map(|i| self.image(i))
            .collect()
    }
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, DataError> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

/// The seed that picks the default training digit, as the paper did: "we randomly sample one
/// digit from the training set (a digit 7) with a fixed random seed".
const TRAINING_DIGIT_SEED: u64 = 2020;

/// Index in [`Subset::MnistTrain`] of the default training image: a "7" drawn with a fixed
/// seed among the bundled training 7s.
pub fn default_training_index() -> Result<usize, DataError> {
    let train = Subset::MnistTrain.load()?;
    let sevens: Vec<usize> = (0..train.len())
        .filter(|&i| train.labels()[i] == 7)
        .collect();
    if sevens.is_empty() {
        return Err(DataError::Index(
            "the bundled training subset has no 7".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(TRAINING_DIGIT_SEED);
    Ok(sevens[rng.random_range(0..sevens.len())])
}

/// The default training image: the paper's "7" (see [`default_training_index`]).
pub fn default_training_image() -> Result<Image, DataError> {
    Subset::MnistTrain.load()?.image(default_training_index()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_subsets_decode_with_known_labels() {
        let test = Subset::MnistTest.load().unwrap();
        assert_eq!(test.len(), 1000);
        // The first MNIST test labels (DESIGN section 10).
        assert_eq!(&test.labels()[..10], &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
        assert_eq!(Subset::MnistTrain.load().unwrap().len(), 100);
        let fashion = Subset::FashionTest.load().unwrap();
        assert_eq!(fashion.len(), 1000);
        // Fashion-MNIST's first test labels: ankle boot, pullover, trouser, trouser.
        assert_eq!(&fashion.labels()[..4], &[9, 2, 1, 1]);
        assert!(test.image(1000).is_err());
    }

    #[test]
    fn the_wasm_modules_subsets_are_the_first_images_of_the_native_ones() {
        for (small, full) in [
            (bundled!("mnist-test-100"), Subset::MnistTest),
            (bundled!("fashion-test-100"), Subset::FashionTest),
        ] {
            let small = Dataset::from_gzip_idx(small).unwrap();
            let full = full.load().unwrap();
            assert_eq!(small.len(), 100);
            assert_eq!(small.labels(), &full.labels()[..100]);
            assert_eq!(small.images, full.images[..100 * MNIST_SIDE * MNIST_SIDE]);
        }
    }

    #[test]
    fn default_training_image_is_a_seven() {
        let index = default_training_index().unwrap();
        assert_eq!(Subset::MnistTrain.load().unwrap().labels()[index], 7);
        let image = default_training_image().unwrap();
        let ink = image.pixels().iter().filter(|&&p| p > 0.5).count();
        assert!(ink > 40, "a digit has ink, got {ink} bright pixels");
    }
}
